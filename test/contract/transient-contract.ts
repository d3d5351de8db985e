import { MINUTE_MS, useFreshStore, type Cleanup, type OpenStore } from './contract-harness.ts';

/** Store.transient (src/mfa/mfa-store.ts), as every Store must provide it. */
export function describeTransientContract(label: string, open: OpenStore, cleanup?: Cleanup): void {
  describe(`${label} store contract`, () => {
    const ctx = useFreshStore(open, cleanup);
    const transient = () => ctx.store.transient;

    describe('transient', () => {
      it('get returns what set stored, and undefined for an unknown key', async () => {
        await transient().set('pending:uid-1', '{"accountId":"sub-alice","amr":["pwd"]}', 300);
        expect(await transient().get('pending:uid-1')).toBe('{"accountId":"sub-alice","amr":["pwd"]}');
        expect(await transient().get('pending:uid-2')).toBeUndefined();
      });

      it('keeps an empty value apart from no value', async () => {
        await transient().set('empty', '', 60);
        expect(await transient().get('empty')).toBe('');
        expect(await transient().take('empty')).toBe('');
        expect(await transient().get('empty')).toBeUndefined();
      });

      it('a value expires ttlSeconds after set, by the injected clock', async () => {
        await transient().set('k', 'v', 60);
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await transient().get('k')).toBe('v');
        ctx.clock.advance(1);
        expect(await transient().get('k')).toBeUndefined();
      });

      it('set overwrites the value and restarts the expiry', async () => {
        await transient().set('k', 'first', 60);
        ctx.clock.advance(50_000);
        await transient().set('k', 'second', 60);
        expect(await transient().get('k')).toBe('second');
        ctx.clock.advance(50_000);
        expect(await transient().get('k')).toBe('second');
        await transient().set('k', 'short', 1);
        ctx.clock.advance(1_000);
        expect(await transient().get('k')).toBeUndefined();
      });

      it('claim sets only where no unexpired value is: of racing claims one wins, and an expired value may be claimed', async () => {
        const results = await Promise.all(Array.from({ length: 10 }, (_, n) => transient().claim('claimed', `writer-${n}`, 60)));
        expect(results.filter(Boolean)).toHaveLength(1);
        const winner = `writer-${results.indexOf(true)}`;
        expect(await transient().get('claimed')).toBe(winner);
        expect(await transient().claim('claimed', 'late', 60)).toBe(false);
        expect(await transient().get('claimed')).toBe(winner);
        ctx.clock.advance(MINUTE_MS);
        expect(await transient().claim('claimed', 'after-expiry', 60)).toBe(true);
        expect(await transient().get('claimed')).toBe('after-expiry');
        ctx.clock.advance(MINUTE_MS - 1);
        expect(await transient().get('claimed')).toBe('after-expiry');
      });

      it('take returns the value once and deletes it', async () => {
        await transient().set('k', 'v', 60);
        expect(await transient().take('k')).toBe('v');
        expect(await transient().get('k')).toBeUndefined();
        expect(await transient().take('k')).toBeUndefined();
        expect(await transient().take('never-set')).toBeUndefined();
      });

      it('take after expiry answers undefined, and the value stays gone', async () => {
        await transient().set('k', 'v', 60);
        ctx.clock.advance(MINUTE_MS);
        expect(await transient().take('k')).toBeUndefined();
        ctx.clock.advance(-MINUTE_MS);
        expect(await transient().get('k')).toBeUndefined();
      });

      it('of 20 parallel takes, exactly one gets the value', async () => {
        await transient().set('k', 'the-value', 60);
        const results = await Promise.all(Array.from({ length: 20 }, () => transient().take('k')));
        expect(results.filter((result) => result !== undefined)).toEqual(['the-value']);
        expect(await transient().get('k')).toBeUndefined();
      });

      it('delete removes only that key, and is a no-op for an unknown one', async () => {
        await transient().set('a', '1', 60);
        await transient().set('b', '2', 60);
        await transient().delete('a');
        await expect(transient().delete('never-set')).resolves.toBeUndefined();
        expect(await transient().get('a')).toBeUndefined();
        expect(await transient().take('a')).toBeUndefined();
        expect(await transient().get('b')).toBe('2');
      });
    });
  });
}
