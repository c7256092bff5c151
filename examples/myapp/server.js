// The README tour's web process: serves on the port given with --port (gaffer passes $PORT).
import { createServer } from 'node:http';

const at = process.argv.indexOf('--port');
const port = Number(at >= 0 ? process.argv[at + 1] : process.env.PORT);
if (!Number.isInteger(port) || port <= 0) {
  console.error(`server.js: expected --port <number>, got ${JSON.stringify(process.argv.slice(2))}`);
  process.exit(2);
}
const server = createServer((req, res) => {
  res.setHeader('content-type', 'application/json');
  res.end(`${JSON.stringify({ greeting: process.env.GREETING ?? null, port, pid: process.pid, cwd: process.cwd() })}\n`);
});
server.listen(port, '127.0.0.1', () => console.log(`listening on ${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
