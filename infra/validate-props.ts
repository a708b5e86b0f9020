// Props checks, run first in the CoupaConnector constructor (Solutions Constructs habit): each error
// names the props involved and what to do.
import { Duration, Token } from 'aws-cdk-lib';
import { normalizePayloadPrefix } from '../shared/changes/ports';
import { INSTANCE_NAME } from '../shared/events';
import type { GrantType } from '../shared/tokens/credentials';
import type { CoupaConnectorProps } from './CoupaConnector';

export interface ResolvedConnectorProps {
  readonly grantType: GrantType;
  readonly tokenRefreshInterval: Duration;
  readonly tokenMinValidity: Duration;
  readonly payloadRetention: Duration;
  readonly deadLetterRetention: Duration;
  readonly enableActions: boolean;
  readonly enableCommands: boolean;
  readonly idempotencyExpiry: Duration;
  readonly actionTimeout: Duration;
  readonly actionMemorySize: number;
}

const TOKEN_LIFETIME_HOURS = 24; // Coupa: expires_in = 86399 s
/** SQS keeps messages from 1 minute to 14 days. */
const SQS_MAX_RETENTION_SECONDS = 14 * 86_400;
/**
 * How much longer than the dead-letter queues the payload bucket keeps claim checks: a dead letter
 * redriven on its last day still names objects its consumers then have to read.
 */
export const CLAIM_CHECK_MARGIN = Duration.days(7);

export function validateConnectorProps(props: CoupaConnectorProps): ResolvedConnectorProps {
  if (props.existingEventBus && props.eventBusProps) {
    throw new Error('CoupaConnector: set existingEventBus or eventBusProps, not both');
  }
  if (!INSTANCE_NAME.test(props.instance)) {
    throw new Error(`CoupaConnector: instance must be lowercase letters, digits and dashes (got "${props.instance}")`);
  }
  if (props.host !== undefined && !Token.isUnresolved(props.host)) {
    let url: URL | undefined;
    try {
      url = new URL(props.host);
    } catch {
      url = undefined;
    }
    if (url?.protocol !== 'https:' || url.pathname.replace(/\/+$/, '') !== '') {
      throw new Error(
        `CoupaConnector: host must be an https:// instance URL without a path, e.g. https://acme.coupahost.com (got "${props.host}")`,
      );
    }
  }
  const grantType = props.grantType ?? 'client_credentials';
  if (grantType !== 'client_credentials' && grantType !== 'authorization_code') {
    throw new Error(`CoupaConnector: grantType must be client_credentials or authorization_code`);
  }
  const tokenRefreshInterval = props.tokenRefreshInterval ?? Duration.hours(4);
  const tokenMinValidity = props.tokenMinValidity ?? Duration.hours(6);
  const intervalMinutes = tokenRefreshInterval.toMinutes({ integral: false });
  if (intervalMinutes < 1 || !Number.isInteger(intervalMinutes)) {
    throw new Error('CoupaConnector: tokenRefreshInterval must be a whole number of minutes, at least 1');
  }
  if (tokenMinValidity.toMinutes({ integral: false }) <= intervalMinutes) {
    throw new Error('CoupaConnector: tokenMinValidity must exceed tokenRefreshInterval, or the token can expire between two runs');
  }
  if (tokenMinValidity.toHours({ integral: false }) >= TOKEN_LIFETIME_HOURS) {
    throw new Error(`CoupaConnector: tokenMinValidity must stay under Coupa's ${TOKEN_LIFETIME_HOURS} h token lifetime`);
  }
  const payloadRetention = props.payloadRetention ?? Duration.days(30);
  const retentionDays = payloadRetention.toDays({ integral: false });
  if (!Number.isInteger(retentionDays) || retentionDays < 1) {
    throw new Error(
      `CoupaConnector: payloadRetention must be a whole number of days, at least 1 (got ${payloadRetention.toHumanString()})`,
    );
  }
  const deadLetterRetention = validateRetention(payloadRetention, props.deadLetterRetention ?? Duration.days(14));
  if (props.payloadPrefix !== undefined && !/^([A-Za-z0-9_-][A-Za-z0-9._-]*\/)*$/.test(normalizePayloadPrefix(props.payloadPrefix))) {
    throw new Error(
      `CoupaConnector: payloadPrefix must be path segments of letters, digits, '.', '_' and '-', e.g. "coupa/" (got "${props.payloadPrefix}")`,
    );
  }
  if (props.alarmEmail !== undefined && !Token.isUnresolved(props.alarmEmail) && !/^[^\s@]+@[^\s@]+\.[^\s@]+$/.test(props.alarmEmail)) {
    throw new Error(`CoupaConnector: alarmEmail must be an email address (got "${props.alarmEmail}")`);
  }
  return { grantType, tokenRefreshInterval, tokenMinValidity, payloadRetention, deadLetterRetention, ...validateActionProps(props) };
}

/**
 * Dead letters (the poller's, and commands') refer to claim-check objects by bucket and key, so the
 * payload bucket must keep them at least as long as the queues keep the messages, plus a margin.
 */
function validateRetention(payloadRetention: Duration, deadLetterRetention: Duration): Duration {
  const seconds = deadLetterRetention.toSeconds({ integral: false });
  if (!Number.isInteger(seconds) || seconds < 60 || seconds > SQS_MAX_RETENTION_SECONDS) {
    throw new Error(
      `CoupaConnector: deadLetterRetention must be whole seconds from 1 minute to 14 days, SQS's range (got ${deadLetterRetention.toHumanString()})`,
    );
  }
  const neededSeconds = seconds + CLAIM_CHECK_MARGIN.toSeconds();
  if (payloadRetention.toSeconds() < neededSeconds) {
    const days = (s: number) => `${+(s / 86_400).toFixed(2)} days`;
    throw new Error(
      `CoupaConnector: payloadRetention (${days(payloadRetention.toSeconds())}) must be at least deadLetterRetention (${days(seconds)}) ` +
        `plus ${CLAIM_CHECK_MARGIN.toDays()} days, i.e. ${Math.ceil(neededSeconds / 86_400)} days: dead letters refer to claim-check objects in the ` +
        'payload bucket, which must still exist when they are redriven. Raise payloadRetention or lower deadLetterRetention.',
    );
  }
  return deadLetterRetention;
}

function validateActionProps(props: CoupaConnectorProps) {
  const enableActions = props.enableActions ?? true;
  const enableCommands = props.enableCommands ?? enableActions;
  if (enableCommands && !enableActions) {
    throw new Error('CoupaConnector: enableCommands needs enableActions (commands run through the action path)');
  }
  if (props.attachmentSourceBuckets?.length && !enableActions) {
    throw new Error('CoupaConnector: attachmentSourceBuckets is set but enableActions is false (only the attach action reads them)');
  }
  const ownSource = `coupa.${props.instance}`;
  if (props.commandSources !== undefined) {
    if (!enableCommands) throw new Error('CoupaConnector: commandSources is set but enableCommands is false');
    if (props.commandSources.length === 0) {
      throw new Error(
        'CoupaConnector: commandSources must name at least one event source (omit it for the default coupa.<instance>.commands)',
      );
    }
    if (props.commandSources.includes(ownSource)) {
      throw new Error(
        `CoupaConnector: commandSources may not include the connector's own source "${ownSource}": its result events would come back as commands`,
      );
    }
    for (const source of props.commandSources) {
      if (!Token.isUnresolved(source) && (source.trim() === '' || source.length > 256 || source.startsWith('aws.'))) {
        throw new Error(`CoupaConnector: commandSources must be custom event sources of 1 to 256 characters, not aws.* (got "${source}")`);
      }
    }
  }
  const idempotencyExpiry = props.idempotencyExpiry ?? Duration.hours(24);
  const expirySeconds = idempotencyExpiry.toSeconds({ integral: false });
  if (!Number.isInteger(expirySeconds) || expirySeconds < 60 || expirySeconds > 30 * 86_400) {
    throw new Error(
      `CoupaConnector: idempotencyExpiry must be whole seconds from 1 minute to 30 days (got ${idempotencyExpiry.toHumanString()})`,
    );
  }
  const actionTimeout = props.actionTimeout ?? Duration.minutes(2);
  const timeoutSeconds = actionTimeout.toSeconds({ integral: false });
  if (!Number.isInteger(timeoutSeconds) || timeoutSeconds < 10 || timeoutSeconds > 900) {
    throw new Error(
      `CoupaConnector: actionTimeout must be whole seconds from 10 seconds to 15 minutes (got ${actionTimeout.toHumanString()})`,
    );
  }
  const actionMemorySize = props.actionMemorySize ?? 512;
  if (!Number.isInteger(actionMemorySize) || actionMemorySize < 128 || actionMemorySize > 10_240) {
    throw new Error(`CoupaConnector: actionMemorySize must be a whole number of MB from 128 to 10240 (got ${actionMemorySize})`);
  }
  return { enableActions, enableCommands, idempotencyExpiry, actionTimeout, actionMemorySize };
}
