// Wire shapes of the REST API (docs/api.md); only the fields the console reads.

export type Role = "admin" | "operator" | "viewer" | "agent" | "runner";

export interface Me {
  tokenId: string;
  name: string;
  role: Role;
}

export interface Page<T> {
  items: T[];
  page: number;
  size: number;
  total: number;
}

export interface Counters {
  ok: number;
  failed: number;
  partial: number;
  inconclusive: number;
}

export interface MachineRun {
  machineId: string;
  name: string;
  state: string;
  plannedStartAt: string | null;
  startedAt: string | null;
}

/** A machine the waiting execution could use, and why it does not take the work now. */
export interface Candidate {
  name: string;
  matches: boolean;
  status: string;
  why: string | null;
}

export interface Waiting {
  since: string | null;
  waitedMs: number;
  reason: string | null;
  machines: Candidate[] | null;
}

/** A test one of a running execution's machines runs now (from its agent's last heartbeat). */
export interface RunningTest {
  testId: string;
  machine: string;
  attempt: number;
  since: string | null;
}

/** How many of a running execution's planned test runs have a final result. */
export interface Progress {
  tests: number;
  done: number;
}

export interface Execution {
  id: string;
  number: number;
  scenarioId: string;
  scenarioName: string;
  state: string;
  result: string | null;
  counters: Counters | null;
  machines: MachineRun[] | null;
  requestedAt: string | null;
  startedAt: string | null;
  finishedAt: string | null;
  reason: string | null;
  requestedBy: string | null;
  waiting: Waiting | null;
  rerunOf: string | null;
  /** Only while running (omitted otherwise). */
  running?: RunningTest[] | null;
  /** Only while running, when the suite is known (omitted otherwise). */
  progress?: Progress | null;
}

export interface FileRef {
  id: string;
  name: string;
  size: number;
  url: string;
}

export interface Result {
  id: string;
  testId: string;
  case: string | null;
  machine: string | null;
  attempt: number;
  status: string;
  message: string | null;
  description: string | null;
  durationMs: number | null;
  attachments: FileRef[];
  screenshots: FileRef[];
  custom: Record<string, string> | null;
  flaky: boolean;
}

export interface LogChunk {
  testId: string | null;
  machine: string | null;
  attempt: number;
  stage: string | null;
  stream: string | null;
  seq: number;
  text: string;
  /** Where the chunk is in the execution's log: the `after` to read on from (tail reads only). */
  position?: number;
}

/** A page of a log read after a position (docs/api.md, "Logs"). */
export interface LogTailPage {
  items: LogChunk[];
  size: number;
  /** The `after` for the following chunks, or null when none are stored yet. */
  next: number | null;
}

/** An event of a workflow's history as Temporal recorded it; payloads only as sizes. */
export interface WorkflowEvent {
  eventId: number;
  eventType: string;
  time: string;
  details: Record<string, string | number>;
}

export interface WorkflowChild {
  workflowId: string;
  workflowType: string;
  path: string;
  workflowUrl: string | null;
}

/** A page of the history of an execution's workflow (`GET …/workflow`). */
export interface WorkflowPage {
  available: boolean;
  reason: string | null;
  workflowId: string | null;
  workflowUrl: string | null;
  events: WorkflowEvent[];
  children: WorkflowChild[];
  next: string | null;
}

export interface Machine {
  id: string;
  name: string;
  hostname: string | null;
  os: string | null;
  status: string;
  slots: number;
  properties: Record<string, string> | null;
  groups: string[] | null;
  executions: string[] | null;
  lastSeenAt: string | null;
  /** "agent" or "ssh" (docs/agentless.md); absent from servers before SSH machines. */
  kind?: string;
  /** Why it is offline (an SSH machine: its last probe's failure); null unless offline. */
  offlineReason?: string | null;
}

export interface Scenario {
  id: string;
  name: string;
  description: string | null;
}

/** A scenario as `GET /api/v1/scenarios/{id}` answers it; timeouts in milliseconds. */
export interface ScenarioDetail extends Scenario {
  testSuiteId: string;
  configurationId: string;
  pendingTimeout: number;
  runningTimeout: number;
  retries: number;
  concurrency: { max: number; whenFull: "queue" | "reject" } | null;
  notifications: Record<string, unknown>[];
  retention: { days?: number | null; lastExecutions?: number | null } | null;
  schedule: {
    cron: string | null;
    timeZone: string | null;
    at: string | null;
    overlap: string | null;
    state: string;
    nextFires: string[];
  } | null;
  updatedAt: string | null;
}

/** A suite or configuration as listed: the console edits the rest as the REST body. */
export interface Definition {
  id: string;
  name: string;
  description?: string | null;
  updatedAt?: string | null;
}

export interface Token {
  id: string;
  name: string;
  role: Role;
  machine?: string;
  createdAt: string | null;
  /** Only in the answer that created it: shown once, never kept. */
  token?: string;
}

export interface AuditEntry {
  id: string;
  at: string;
  by: string;
  role: string;
  method: string;
  path: string;
  resource: string;
  resourceId: string | null;
  status: number;
  executionId?: string;
  testId?: string;
  attempt?: number;
}

export interface Secret {
  name: string;
  createdAt: string | null;
  updatedAt: string | null;
}

/** Whether a role may manage tokens and read the audit log (the api enforces it again). */
export function isAdmin(me: Me | null): boolean {
  return me !== null && me.role === "admin";
}

/** Whether a role may start, cancel and change things (the api enforces it again). */
export function canOperate(me: Me | null): boolean {
  return me !== null && (me.role === "admin" || me.role === "operator");
}
