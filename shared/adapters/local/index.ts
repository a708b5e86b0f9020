// In-process adapters of the token ports, for the CLI and tests.
export { InProcessTokenRefresher } from './InProcessTokenRefresher';
export { MemoryRefreshLease } from './MemoryRefreshLease';
