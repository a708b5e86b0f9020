// CloudWatch metric names of the action and command functions (namespace CoupaConnector, the poller's):
// the handlers write them through Powertools Metrics, the dashboard reads them.
export const ACTION_METRICS = {
  /** Actions run, by Instance and Action. */
  count: 'Actions',
  /** Actions that failed, by Instance, Action and Error (the error's name, e.g. `Coupa.Validation`). */
  errors: 'ActionErrors',
  /** Duration of one action, by Instance and Action. */
  duration: 'ActionDurationMs',
} as const;
