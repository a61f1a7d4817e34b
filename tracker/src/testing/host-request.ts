import { request } from 'node:http';

/** An HTTP answer: status and parsed JSON body. */
export interface HostAnswer {
  status: number;
  body: any;
}

/**
 * Sends a request over real HTTP to `url` with the given `Host` header, as a browser does for a page
 * whose name points at that address (fetch always sends the URL's own host).
 */
export function requestWithHost(
  url: string,
  host: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<HostAnswer> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: init.method ?? 'GET', headers: { ...init.headers, host } }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (text += chunk));
      res.on('end', () => resolve({ status: res.statusCode!, body: text ? JSON.parse(text) : undefined }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}
