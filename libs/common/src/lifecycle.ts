/**
 * When started by `npm start` or the test harness (with an IPC channel), stop gracefully as soon
 * as the parent goes away, even if it was killed with SIGKILL: no orphans, no ports left taken.
 */
export function exitWithParent(): void {
  if (typeof process.send !== 'function') return;
  process.once('disconnect', () => process.kill(process.pid, 'SIGTERM'));
}
