// One Coupa rate budget per instance, shared by every poller and action (README "Rate budget"). The
// Coupa client draws on it through the RateBudget port (shared/coupa/rate-budget.ts).
export {
  budgetSettings,
  currentRate,
  defaultBudgetSettings,
  DEFAULT_REQUESTS_PER_SECOND,
  hasSpareRoom,
  penalised,
  planReservation,
  reserve,
  RESTED,
  turnsOf,
  type BucketState,
  type BudgetSettings,
  type Reservation,
  type ReservationPlan,
  type Turns,
} from './bucket';
export { LeasedRateBudget, type BudgetStats, type LeasedRateBudgetOptions } from './LeasedRateBudget';
export { localRateBudget, MemoryRateBudgetStore } from './MemoryRateBudgetStore';
export type { RateBudgetStore } from './ports';
