import { execFileSync } from 'node:child_process';
import { createPrivateKey, X509Certificate, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { tempDir } from './server-process.ts';

/**
 * A security-key vendor for tests: a root CA and a batch attestation certificate it signed, made
 * with the openssl command (Debian's package) — real X.509, as a FIDO vendor ships them. The leaf
 * follows WebAuthn L3 §8.2.1 (packed attestation certificate requirements): version 3, subject
 * C, O, OU "Authenticator Attestation", CN, and basicConstraints CA:FALSE.
 */
export interface AttestationVendor {
  /** The root, as an operator would put it in PASSKEY_ATTESTATION_ROOTS. */
  rootPem: string;
  /** The chain an authenticator sends in x5c (DER, leaf first; the root is never sent). */
  chain: Buffer[];
  /** The batch key the authenticator signs attestation statements with. */
  attestationKey: KeyObject;
}

const openssl = (cwd: string, ...args: string[]) => execFileSync('openssl', args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });

export function createAttestationVendor(name: string): AttestationVendor {
  const work = tempDir('oidc-mfa-attestation-');
  try {
    const dir = work.dir;
    const ec = ['-algorithm', 'EC', '-pkeyopt', 'ec_paramgen_curve:P-256'];
    openssl(dir, 'genpkey', ...ec, '-out', 'root.key');
    openssl(dir, 'req', '-x509', '-new', '-key', 'root.key', '-days', '3650', '-subj', `/C=US/O=${name}/CN=${name} Attestation Root`,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign', '-out', 'root.pem');
    openssl(dir, 'genpkey', ...ec, '-out', 'batch.key');
    openssl(dir, 'req', '-new', '-key', 'batch.key', '-subj', `/C=US/O=${name}/OU=Authenticator Attestation/CN=${name} Batch 1`, '-out', 'batch.csr');
    writeFileSync(path.join(dir, 'batch.ext'), 'basicConstraints=critical,CA:FALSE\n');
    openssl(dir, 'x509', '-req', '-in', 'batch.csr', '-CA', 'root.pem', '-CAkey', 'root.key', '-CAcreateserial', '-days', '365',
      '-extfile', 'batch.ext', '-out', 'batch.pem');
    const leaf = new X509Certificate(readFileSync(path.join(dir, 'batch.pem')));
    return {
      rootPem: readFileSync(path.join(dir, 'root.pem'), 'utf8'),
      chain: [leaf.raw],
      attestationKey: createPrivateKey(readFileSync(path.join(dir, 'batch.key'))),
    };
  } finally {
    work.remove();
  }
}
