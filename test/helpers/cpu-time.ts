/**
 * The processor time (user and system, milliseconds) this process spends running `fn`: unlike the
 * wall clock it stays the same on a loaded machine, so a test can bound it to tell linear work
 * from quadratic without being flaky.
 */
export async function cpuMs(fn: () => unknown): Promise<number> {
  const before = process.cpuUsage();
  await fn();
  const spent = process.cpuUsage(before);
  return (spent.user + spent.system) / 1000;
}
