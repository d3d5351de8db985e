import type { Context } from 'koa';
import { deviceLabel } from '../trusted-device/device-label.ts';
import type { MethodSetUp } from './mfa-store.ts';

/** What the Security page later says about a method being set up now: how, and on which device. */
export function methodSetUp(ctx: Context, how: MethodSetUp['how']): MethodSetUp {
  return { how, device: deviceLabel(ctx.get('user-agent')) };
}
