/**
 * Comparing response times on a shared, noisy machine (test/security/*-timing tests): two groups
 * of samples "look alike" when each median lies within the other's [min, max], or the medians are
 * within a factor of 2. What this catches is a real leak (a few milliseconds against tens), far
 * outside both tolerances (the password-step test runs a control that the method must tell apart).
 */
export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function describeGroup(values: number[]): string {
  return `median ${median(values).toFixed(1)} ms, range ${Math.min(...values).toFixed(1)}–${Math.max(...values).toFixed(1)} ms`;
}

export function lookAlike(a: number[], b: number[]): boolean {
  const within = (m: number, values: number[]) => m >= Math.min(...values) && m <= Math.max(...values);
  const [ma, mb] = [median(a), median(b)];
  return (within(ma, b) && within(mb, a)) || Math.max(ma, mb) / Math.min(ma, mb) <= 2;
}
