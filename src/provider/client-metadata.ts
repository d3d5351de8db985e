import { errors, type Configuration } from 'oidc-provider';

/**
 * Our per-client settings, carried as extra client metadata so they live with the client's
 * registration. `first_party`: the operator's own app; consent is not asked.
 */
export const extraClientMetadata: NonNullable<Configuration['extraClientMetadata']> = {
  properties: ['first_party'],
  validator(_ctx, key, value) {
    if (key === 'first_party' && value !== undefined && typeof value !== 'boolean') {
      throw new errors.InvalidClientMetadata('first_party must be true or false');
    }
  },
};

export function isFirstParty(client: { [key: string]: unknown }): boolean {
  return client.first_party === true;
}
