import { Hono } from 'hono';

const app = new Hono<{ Bindings: Env }>();
app.get('/ping', (c) => c.text('pong'));
export default app;
