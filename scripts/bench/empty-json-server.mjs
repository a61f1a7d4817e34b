// A server that reads each request's body and answers `{}` at once: the baseline the tracker bench
// subtracts, so that what remains is the tracker's own share of a request. Prints its port.
import { createServer } from 'node:http';

const server = createServer((req, res) => {
  req.resume();
  req.on('end', () => {
    res.writeHead(200, { 'content-type': 'application/json', 'content-length': 2 });
    res.end('{}');
  });
});
server.listen(0, '127.0.0.1', () => console.log(server.address().port));
