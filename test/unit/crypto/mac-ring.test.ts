import { macRing } from '../../../src/crypto/mac-ring.ts';
import { createTrustedDevices } from '../../../src/trusted-device/trusted-devices.ts';
import { createFakeClock } from '../../helpers/fake-clock.ts';
import { openTestStore, STORE_KINDS } from '../../helpers/test-stores.ts';

const OLD = 'the old secret of this purpose, long enough';
const NEW = 'the new secret of this purpose, long enough';

describe('a MAC ring (one purpose, newest secret first)', () => {
  test('makes with the first secret and accepts under any of them', () => {
    const old = macRing([OLD]).sign('data');
    const rotated = macRing([NEW, OLD]);
    expect(rotated.sign('data')).not.toBe(old);
    expect(rotated.verify('data', old)).toBe(true);
    expect(rotated.verify('data', rotated.sign('data'))).toBe(true);
    expect(rotated.all('data')).toEqual([rotated.sign('data'), old]);
  });

  test('refuses a MAC of other data, a MAC under a dropped secret, and malformed input', () => {
    const ring = macRing([NEW]);
    expect(ring.verify('other data', ring.sign('data'))).toBe(false);
    expect(ring.verify('data', macRing([OLD]).sign('data'))).toBe(false);
    for (const mac of ['', 'x', ring.sign('data').slice(1), `${ring.sign('data')}=`]) expect(ring.verify('data', mac)).toBe(false);
  });

  test('needs a secret', () => {
    expect(() => macRing([])).toThrow();
  });
});

describe.each(STORE_KINDS)('trusted devices across a rotation of their secret (%s)', (kind) => {
  let opened: Awaited<ReturnType<typeof openTestStore>>;
  const clock = createFakeClock();
  beforeAll(async () => {
    opened = await openTestStore(kind, clock);
  });
  afterAll(async () => {
    await opened.dispose();
  });

  test('a device trusted under the old secret still counts once a new one is put in front, and stops when the old one is dropped', async () => {
    const store = opened.store.trustedDevices;
    const conditions = { accountId: 'a1', epoch: 0, validAfter: 0 };
    const before = createTrustedDevices({ store, secrets: [OLD], clock, trustSeconds: 3600 });
    const { token, device } = await before.trust('a1', 0, 'Firefox');

    const rotated = createTrustedDevices({ store, secrets: [NEW, OLD], clock, trustSeconds: 3600 });
    expect((await rotated.check(token, conditions))?.id).toBe(device.id);
    expect(await rotated.idOf(token)).toBe(device.id);

    const dropped = createTrustedDevices({ store, secrets: [NEW], clock, trustSeconds: 3600 });
    expect(await dropped.check(token, conditions)).toBeUndefined();
  });
});
