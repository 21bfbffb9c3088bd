// The conformance pack's vocabulary: a fault case sets up a small scenario against one route's
// primary model and judges what the engine made of it; a verdict grades that behaviour.
import type { ModelNode, Settings } from "../../compile/graph.ts";
import type { RequestRow } from "../recorder.ts";
import type { FaultWindow, Scenario, TrafficSpec } from "../scenario-types.ts";
import type { Summary } from "../summary.ts";

/**
 * pass: the correct behaviour. partial: every request was served, but not in the best way.
 * safe: requests failed, but cleanly and for a reason the policy chose. fail: wrong behaviour.
 */
export type Grade = "pass" | "partial" | "safe" | "fail";

export interface Verdict {
  grade: Grade;
  reason: string;
}

/** What a case knows of the route it runs against. */
export interface RouteUnderTest {
  route: string;
  /** The model that serves the route's plain chat requests when all is well (where faults go). */
  primary: ModelNode;
  /** The other chat models the route's default rule may fail over to. */
  alternatives: ModelNode[];
  /** The settings of the rule plain requests match. */
  settings: Settings;
}

/** One case's scenario: traffic on the route and fault windows on the primary model. */
export interface CaseSetup {
  durationMs: number;
  traffic: Partial<TrafficSpec>[];
  faults: FaultWindow[];
  expect?: Scenario["expect"];
}

export interface CaseRun {
  rows: RequestRow[];
  summary: Summary;
}

export interface FaultCase {
  id: string;
  /** One line: the failure mode and the behaviour expected of the gateway. */
  title: string;
  /** How many tokens the faulty model's answers have, when the fault shortens them (default REPLY_TOKENS). */
  replyTokens?: number;
  setup(r: RouteUnderTest): CaseSetup;
  judge(r: RouteUnderTest, run: CaseRun): Verdict;
}
