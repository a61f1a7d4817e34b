// A process that opens the local edge on the state folder given as its argument (a first read starts
// its workerd), says "ready" and waits to be killed: what a tracker is to its workerd, without the rest
// of the tracker.
import { openLocalEdge } from '../local-edge.ts';

const edge = await openLocalEdge({ stateDir: process.argv[2]! });
await edge.kv.get('pointer/none');
console.log('ready');
setInterval(() => {}, 60_000);
