// The package's entry point (`import { CoupaConnector } from 'coupa-connector'`): the construct, its
// props, and the types of what it puts on the bus. Compiled into dist/ by `npm run build:package`.
export { CoupaConnector, type CoupaConnectorProps, defaultCommandSource, type PollerConfig } from './CoupaConnector';
export type { CoupaQuery, FieldSpec } from '../shared/coupa';
export type { GrantType } from '../shared/tokens/credentials';
export type { RateBudgetProps } from './rate-budget';
export type {
  ChangeKind,
  CoupaEventDetail,
  CoupaEventEntry,
  CoupaRecord,
  DataRef,
  EventMetadata,
  EventReturnType,
} from '../shared/events/types';
export { defaultSource, detailTypeOf } from '../shared/events/detail-types';
export { EVENT_RETURN_TYPES } from '../shared/events/types';
export {
  COMMAND_DETAIL_TYPE,
  COMMAND_FAILED,
  COMMAND_SUCCEEDED,
  type CommandDetail,
  type CommandError,
  type CommandResultDetail,
} from '../shared/actions/command';
export type { ActionName, ActionResult, ActionReturnType } from '../shared/actions/types';
