import { caseNumberAllocated, type IntakeEventData, intakeEventTypes } from "@gov/contracts";
import {
  ConcurrencyError,
  type EventStore,
  EventTypes,
  IdempotencyConflictError,
  nameBasedUuid,
  OneAtATime,
  toNewEvent,
} from "@gov/eventsourcing";
import { SOURCE } from "./applications.ts";

type SerialEvent = { type: "CaseNumberAllocated"; data: IntakeEventData["CaseNumberAllocated"] };

/** The case-serial stream's one event, checked against the contract before it is appended. */
const serialTypes = new EventTypes<SerialEvent>(
  { CaseNumberAllocated: intakeEventTypes.CaseNumberAllocated },
  { schemas: { CaseNumberAllocated: caseNumberAllocated } },
);

/** Allocations for one (实施编码, day) inside this process queue up instead of racing into conflicts. */
const serialStreams = new OneAtATime();

/**
 * 办件编号 = 31-character 实施编码 + yyyyMMdd + 4-digit daily serial, unique under concurrency:
 * each (实施编码, day) is a stream whose revision is the serial, appended with optimistic concurrency, so two
 * windows accepting at once get different serials and none is skipped. The event id comes from the
 * application, so asking again for the same application returns its serial. Inside one process the
 * allocations for a stream run one at a time (under load, ten windows' checks in one turn used to race: one
 * append won and nine retried); other processes still meet the optimistic check.
 */
export function allocateCaseNumber(
  store: EventStore,
  input: { implementationCode: string; date: string; applicationId: string; now: string },
): Promise<string> {
  const prefix = `${input.implementationCode}${input.date.replaceAll("-", "")}`;
  const stream = `caseserial-${prefix}`;
  return serialStreams.run(stream, () => allocate(store, stream, prefix, input));
}

async function allocate(
  store: EventStore,
  stream: string,
  prefix: string,
  input: { applicationId: string; now: string },
): Promise<string> {
  const id = nameBasedUuid(`case-serial:${stream}:${input.applicationId}`);
  for (let attempt = 0; attempt < 50; attempt++) {
    const head = (await store.streamMetadata(stream))?.lastRevision;
    const serial = (head ?? -1) + 2;
    if (serial > 9999) throw new Error(`no case numbers left for ${prefix}: 9999 used`);
    const caseNumber = `${prefix}${String(serial).padStart(4, "0")}`;
    try {
      await store.append(
        stream,
        [
          toNewEvent(
            serialTypes,
            {
              type: "CaseNumberAllocated",
              data: { applicationId: input.applicationId, caseNumber, serial },
            },
            id,
            {
              source: SOURCE,
              time: input.now,
              actor: { id: "intake", role: "system" },
              caseid: input.applicationId,
            },
          ),
        ],
        head === undefined ? "no-stream" : head,
      );
      return caseNumber;
    } catch (error) {
      if (error instanceof IdempotencyConflictError) {
        const mine = (await store.readStream(stream)).find((e) => e.id === id);
        if (mine) return caseNumberAllocated.parse(mine.data).caseNumber;
      }
      if (!(error instanceof ConcurrencyError)) throw error;
    }
  }
  throw new Error(`could not allocate a case number for ${prefix}: too much contention`);
}
