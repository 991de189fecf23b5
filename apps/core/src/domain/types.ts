/** What a data line of a CSV file becomes. Every line ends in exactly one of: loaded, duplicate, rejected. */

import type { RejectReason } from './enums.js';

export type { RejectReason };

export interface Rejection {
  /** Line number in the file: the header is line 1, blank lines are not counted. */
  line: number;
  /** The line as CSV text (see formatCsvRecord). */
  raw: string;
  reason: RejectReason;
  /** Why, for a person: "expected 5 fields, found 4". */
  detail: string;
}

/** A structurally valid line, its values range-checked: null means missing or out of bounds. */
export interface ParsedRow {
  line: number;
  turbineId: number;
  /** Epoch milliseconds, UTC. */
  ts: number;
  windSpeed: number | null;
  windDirection: number | null;
  power: number | null;
  /** The line's fields, kept to explain a later rejection. */
  fields: readonly string[];
}

export interface CleanReading {
  line: number;
  turbineId: number;
  ts: number;
  windSpeed: number | null;
  windDirection: number | null;
  power: number;
  windSpeedImputed: boolean;
  windDirectionImputed: boolean;
  powerImputed: boolean;
}

/** Receives each line's outcome as soon as it is known. */
export interface OutcomeSink {
  loaded(reading: CleanReading): void;
  duplicate(line: number): void;
  rejected(rejection: Rejection): void;
}
