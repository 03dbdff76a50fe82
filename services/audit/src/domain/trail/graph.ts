/** An event as the causal graph needs it. */
export interface CausalEvent {
  id: string;
  service: string;
  type: string;
  causationId?: string;
  correlationId?: string;
}

export interface CausalGraph {
  /** Events of the case, and the requests (correlation ids) that started chains. */
  nodes: { id: string; kind: "event" | "request" | "outside"; service?: string; type?: string }[];
  /** `from` caused `to`: an event's causation id, or the request it was made in when it has no causation. */
  edges: { from: string; to: string; kind: "caused-by-event" | "caused-by-request" }[];
}

/**
 * Which event or request caused which, across services: an event's `causationid` names the event (of any
 * service) or command that caused it; an event with none hangs off its request (`correlationid`). A cause that
 * is not an event of this case is shown as an `outside` node.
 */
export function causalGraph(events: readonly CausalEvent[]): CausalGraph {
  const ids = new Set(events.map((e) => e.id));
  const nodes: CausalGraph["nodes"] = events.map((e) => ({
    id: e.id,
    kind: "event",
    service: e.service,
    type: e.type,
  }));
  const extra = new Map<string, "request" | "outside">();
  const edges: CausalGraph["edges"] = [];
  for (const e of events) {
    if (e.causationId && e.causationId !== e.id) {
      if (!ids.has(e.causationId)) extra.set(e.causationId, extra.get(e.causationId) ?? "outside");
      edges.push({ from: e.causationId, to: e.id, kind: "caused-by-event" });
    } else if (e.correlationId) {
      if (!ids.has(e.correlationId)) extra.set(e.correlationId, "request");
      edges.push({ from: e.correlationId, to: e.id, kind: "caused-by-request" });
    }
  }
  for (const [id, kind] of extra) nodes.push({ id, kind });
  return { nodes, edges };
}
