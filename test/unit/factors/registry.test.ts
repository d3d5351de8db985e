import { FACTOR_IDS } from '../../../src/factors/factor-id.ts';
import { FACTORS, factorById } from '../../../src/factors/registry.ts';

describe('the factor registry', () => {
  it('holds exactly one factor per stable id, so turning MFA off clears every factor\'s lock', () => {
    expect(FACTORS.map((factor) => factor.id).sort()).toEqual([...FACTOR_IDS].sort());
    for (const id of FACTOR_IDS) expect(factorById(id).id).toBe(id);
  });

  it('has one fallback (the backup code) and methods for the rest', () => {
    expect(FACTORS.filter((factor) => factor.role === 'fallback').map((factor) => factor.id)).toEqual(['backup-code']);
    for (const factor of FACTORS.filter((candidate) => candidate.role === 'method')) expect(factor.showChallenge).toBeDefined();
  });
});
