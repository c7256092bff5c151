// The README tour's one-off command: run with `gaffer run node scripts/migrate.js`.
console.log(`migrating with GREETING=${process.env.GREETING ?? '(unset)'}: 3 migrations to apply`);
