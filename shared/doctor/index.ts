// Connection check (`doctor`): host, grant, scopes, clock. No AWS SDK: the CLI and any deployed check share it.
export { DEFAULT_CLOCK_SKEW_WARN_SECONDS, DEFAULT_DOCTOR_TIMEOUT_MS, diagnose } from './diagnose';
export { formatReport } from './format';
export type { CheckName, CheckResult, CheckStatus, DoctorCredentials, DoctorDeps, DoctorInput, DoctorReport } from './types';
