// A tiny HTTP service: answers "hello from <pid>" on $PORT and logs each request.
import { createServer } from 'node:http';

const port = Number(process.env.PORT ?? 8080);
const server = createServer((req, res) => {
  console.log(`${req.method} ${req.url}`);
  res.end(`hello from ${process.pid}\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`web listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('SIGTERM: closing the server');
  server.close(() => process.exit(0));
});
