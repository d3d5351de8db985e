import type { Config } from '../../src/hosted/config/schema.ts';
import { hiddenField, HttpSession } from '../helpers/http-session.ts';
import { useIdpWorld } from '../helpers/idp-world.ts';
import { openSecurityPage } from '../helpers/mfa-flow.ts';
import { buildAuthorization, discoverClient, openAuthorization, submitPassword } from '../helpers/oidc-flow.ts';
import { latestCode, readOutbox } from '../helpers/sms-outbox.ts';
import { STORE_KINDS } from '../helpers/test-stores.ts';
import { testConfig } from '../helpers/test-config.ts';
import { addPhone } from '../helpers/mfa-records.ts';

const PASSWORD = 'a password for sms abuse tests';
const PER_NUMBER_PER_DAY = 3;
let phoneSerial = 0;
const nextPhone = () => `+447400${String(500_000 + (phoneSerial += 1))}`;

/**
 * The per-number daily cap must not become a weapon: anyone with an account can start text-message
 * setup with someone else's number, and those sends must not use up what the number's owner needs
 * to sign in. The caps still stop pumping to unverified numbers (OWASP ASVS 5.0 V6, Authentication).
 */
describe.each(STORE_KINDS)('text-message setup cannot starve a number owner\'s sign-in (%s store)', (kind) => {
  let outbox: string;
  let n = 0;
  const { idp, clock, store } = useIdpWorld(kind, {
    config: () => {
      const base = testConfig();
      const sms: Config['sms'] = { ...base.sms, allowedCountries: ['GB'], perAccountPerHour: 20, perNumberPerDay: PER_NUMBER_PER_DAY, perIpPerHour: 1000, globalPerHour: 1000 };
      outbox = sms.outboxFile!;
      return { dataDir: base.dataDir, sms, mfa: { ...base.mfa, reauthWithinSeconds: 3600 } };
    },
  });

  async function atPhoneForm() {
    const email = `setup-abuse${(n += 1)}@example.com`;
    await idp.directory.add({ email, password: PASSWORD });
    const session = new HttpSession();
    await openSecurityPage(session, idp.issuer, { email, password: PASSWORD });
    const choose = await session.get(`${idp.issuer}/account/security/setup`);
    const phonePage = await session.follow(await session.submitForm(`${idp.issuer}/account/security/setup`, { csrf: hiddenField(choose.text, 'csrf'), method: 'sms' }), idp.issuer);
    return { email, session, phonePage };
  }

  async function toSmsChallenge(email: string) {
    const session = new HttpSession();
    const client = await discoverClient(idp.issuer, 'first-party-app');
    const login = await openAuthorization(session, idp.issuer, await buildAuthorization(client));
    return submitPassword(session, idp.issuer, login, email, PASSWORD);
  }

  test("an account that spends the victim number's setup sends leaves the victim's sign-in code alone; setup stays capped", async () => {
    const victimNumber = nextPhone();
    const victim = await idp.directory.add({ email: `victim${(n += 1)}@example.com`, password: PASSWORD });
    await addPhone(store.mfa, victim.id, victimNumber, 'unused-hash', clock());

    const attacker = await atPhoneForm();
    const csrf = hiddenField(attacker.phonePage.text, 'csrf');
    for (let i = 0; i < PER_NUMBER_PER_DAY; i += 1) {
      const page = await attacker.session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf, phone: victimNumber });
      expect(page.status).toBe(200);
      clock.advance(31_000);
    }
    const sentBefore = readOutbox(outbox).filter((m) => m.to === victimNumber).length;
    const capped = await attacker.session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf, phone: victimNumber });
    expect(capped.status).toBe(429);
    expect(capped.text).toContain('data-code="SMS_NUMBER_CAP"');
    expect(readOutbox(outbox).filter((m) => m.to === victimNumber)).toHaveLength(sentBefore);

    const challenge = await toSmsChallenge(victim.email);
    expect(challenge.status).toBe(200);
    expect(challenge.text).toContain('autocomplete="one-time-code"');
    expect(challenge.text).not.toContain('data-code="SMS_NUMBER_CAP"');
    expect(readOutbox(outbox).filter((m) => m.to === victimNumber)).toHaveLength(sentBefore + 1);
  });

  test('the first sign-in right after finishing setup gets its code (the setup send does not start the sign-in cooldown)', async () => {
    const { email, session, phonePage } = await atPhoneForm();
    const phone = nextPhone();
    const codePage = await session.submitForm(`${idp.issuer}/account/security/setup/sms`, { csrf: hiddenField(phonePage.text, 'csrf'), phone });
    expect(codePage.status).toBe(200);
    const done = await session.submitForm(`${idp.issuer}/account/security/setup/sms/verify`, { csrf: hiddenField(codePage.text, 'csrf'), code: latestCode(outbox, phone) });
    expect(done.text).toContain('id="backup-code"');
    const setupCode = latestCode(outbox, phone);

    // No clock advance: the sign-in comes straight after the setup.
    const challenge = await toSmsChallenge(email);
    expect(challenge.status).toBe(200);
    expect(challenge.text).not.toContain('data-code="SMS_COOLDOWN"');
    expect(readOutbox(outbox).filter((m) => m.to === phone)).toHaveLength(2);
    expect(latestCode(outbox, phone)).not.toBe(setupCode);
  });
});
