/**
 * @file Bounded breadth-first exploration of event sequences, for models of state machines. Every
 * sequence of at most `bound` events from each initial state is covered; a state reached twice is
 * explored once, from the first (and so shortest) sequence that reached it.
 */

import type { Budget } from '../budget';

export interface Step<S, E> {
  event: E;
  /** The state after the event. */
  state: S;
}

export interface ExploreSpec<S, E> {
  initial: S[];
  /** The longest event sequence explored. */
  bound: number;
  /** Exploration stops (and says so) past this many distinct states. */
  maxStates: number;
  /** Spent one step per event run (it throws when the analysis's budget is gone). */
  budget?: Budget;
  key(state: S): string;
  /** The events possible in a state, each with the state it leads to. */
  successors(state: S): Iterable<Step<S, E>>;
  /**
   * Called for every event run, in breadth-first order (so the first call that meets a condition has
   * a shortest sequence for it): `trace()` is the sequence up to and including this step, `fresh`
   * whether its state is reached for the first time.
   */
  transition(from: S, step: Step<S, E>, trace: () => Step<S, E>[], fresh: boolean): void;
}

export interface Exploration {
  /** Distinct states reached. */
  states: number;
  /** Events run (successors generated). */
  transitions: number;
  /** The longest sequence that led to a new state. */
  depth: number;
  /** True when maxStates stopped the exploration early. */
  truncated: boolean;
}

interface Node<S, E> {
  state: S;
  parent: Node<S, E> | null;
  event: E | null;
  depth: number;
}

function traceOf<S, E>(node: Node<S, E>): Step<S, E>[] {
  const out: Step<S, E>[] = [];
  for (let n: Node<S, E> | null = node; n?.parent; n = n.parent) out.push({ event: n.event as E, state: n.state });
  return out.reverse();
}

export function explore<S, E>(spec: ExploreSpec<S, E>): Exploration {
  const seen = new Set<string>();
  let queue: Node<S, E>[] = [];
  const result: Exploration = { states: 0, transitions: 0, depth: 0, truncated: false };
  for (const state of spec.initial) {
    const k = spec.key(state);
    if (seen.has(k)) continue;
    seen.add(k);
    result.states++;
    queue.push({ state, parent: null, event: null, depth: 0 });
  }
  for (let depth = 0; depth < spec.bound && queue.length; depth++) {
    const next: Node<S, E>[] = [];
    for (const node of queue) {
      for (const step of spec.successors(node.state)) {
        result.transitions++;
        spec.budget?.spend();
        const k = spec.key(step.state);
        const fresh = !seen.has(k);
        const child: Node<S, E> = { state: step.state, parent: node, event: step.event, depth: depth + 1 };
        spec.transition(node.state, step, () => traceOf(child), fresh);
        if (!fresh) continue;
        if (result.states >= spec.maxStates) {
          result.truncated = true;
          return result;
        }
        seen.add(k);
        result.states++;
        result.depth = depth + 1;
        next.push(child);
      }
    }
    queue = next;
  }
  return result;
}
