// A background worker: does a unit of "work" every 2 seconds and reports it; errors go to stderr.
let jobs = 0;
const name = process.env.WORKER_NAME ?? 'worker';
setInterval(() => {
  jobs += 1;
  console.log(`${name} ${process.pid}: processed job #${jobs}`);
  if (jobs % 5 === 0) console.error(`${name} ${process.pid}: job #${jobs} was slow`);
}, 2000);
process.on('SIGTERM', () => {
  console.log(`${name} ${process.pid}: finishing after ${jobs} jobs`);
  process.exit(0);
});
