// The README tour's worker: reports a unit of work every 5 seconds until stopped.
let done = 0;
console.log(`worker ${process.pid} started`);
const timer = setInterval(() => console.log(`worker ${process.pid}: job #${++done} done`), 5000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log(`worker ${process.pid}: stopping after ${done} jobs`);
});
