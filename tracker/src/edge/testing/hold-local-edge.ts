// A process that opens the local edge on the state folder given as its argument, says "ready" and
// waits to be killed: what a tracker is to its workerd, without the rest of the tracker.
import { openLocalEdge } from '../local-edge.ts';

await openLocalEdge({ stateDir: process.argv[2]! });
console.log('ready');
setInterval(() => {}, 60_000);
