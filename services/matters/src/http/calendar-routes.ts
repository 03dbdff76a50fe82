import type { PublishedCalendar, PublishedVersion } from "@gov/calendar";
import { freeText } from "@gov/contracts";
import { requestContext } from "@gov/runtime";
import type { FastifyPluginAsyncZod, RouteAuth } from "@gov/service-kit";
import { BadRequestProblem, NotFoundProblem } from "@gov/service-kit";
import { z } from "zod";
import type { CalendarService } from "../application/calendar-service.ts";

const admins: { auth: RouteAuth } = { auth: { roles: ["admin"] } };
const everyone: { auth: RouteAuth } = { auth: "public" };

export const calendarYearParam = z.object({ year: z.coerce.number().int().min(2000).max(2100) });

/**
 * A year's arrangement as an administrator sends it (`PUT /matters/calendar/{year}`, or the file given to
 * `./scripts/calendar publish`). The shape is checked here; the rules (dates real and within the year, make-up
 * days on weekends, a notice title and number, a reason for a correction) by the decider, each naming its field.
 */
export const calendarYearBody = z.object({
  /** Optional in the body (the path names the year); when present it must be the same year. */
  year: z.number().int().optional(),
  holidays: z.array(z.string().max(10)).max(366),
  makeUpWorkdays: z.array(z.string().max(10)).max(366),
  notice: z.object({
    title: z.string().max(200),
    number: z.string().max(100),
    publishedOn: z.iso.date().optional(),
    url: z.url().max(2000).optional(),
  }),
  /** Why a published version is corrected (required for a correction); free text (个人信息保护法 第五十一条). */
  reason: freeText(1000).optional(),
});

const publishResult = z.object({
  year: z.number(),
  version: z.number(),
  calendarVersion: z.string(),
  events: z.array(z.object({ type: z.string() })),
  replayed: z.boolean(),
});

const label = (v: { year: number; version: number }) => `${v.year}.v${v.version}`;
const summary = (v: PublishedVersion) => ({
  year: v.year,
  version: v.version,
  calendarVersion: label(v),
  notice: v.notice,
  holidays: v.holidays.length,
  makeUpWorkdays: v.makeUpWorkdays.length,
  ...(v.publishedAt ? { publishedAt: v.publishedAt } : {}),
});

/** The working-day calendar: everyone reads it; administrators publish a year or correct it. */
export function calendarRoutes(
  service: CalendarService,
  calendar: PublishedCalendar,
  clock: () => string,
): FastifyPluginAsyncZod {
  return async (app) => {
    app.get("/calendar", { config: everyone, schema: { tags: ["calendar"] } }, async () => ({
      years: calendar.years().map(summary),
    }));

    app.get(
      "/calendar/:year",
      { config: everyone, schema: { params: calendarYearParam, tags: ["calendar"] } },
      async (request) => {
        const versions = calendar.versions(request.params.year);
        const current = versions.at(-1);
        if (!current)
          throw new NotFoundProblem(`no working-day calendar published for ${request.params.year}`);
        return {
          ...summary(current),
          holidays: current.holidays,
          makeUpWorkdays: current.makeUpWorkdays,
          history: versions.map((v) => ({
            ...summary(v),
            ...(v.supersedesVersion ? { supersedesVersion: v.supersedesVersion } : {}),
            ...(v.reason ? { reason: v.reason } : {}),
          })),
        };
      },
    );

    app.put(
      "/calendar/:year",
      {
        config: admins,
        schema: {
          params: calendarYearParam,
          body: calendarYearBody,
          response: { 200: publishResult, 201: publishResult },
          tags: ["calendar"],
        },
      },
      async (request, reply) => {
        const { year } = request.params;
        const { year: bodyYear, reason, ...content } = request.body;
        if (bodyYear !== undefined && bodyYear !== year) {
          throw new BadRequestProblem(`the body is for ${bodyYear}, the path for ${year}`, [
            { field: "body.year", message: `must be ${year}, the year in the path` },
          ]);
        }
        const r = await service.publish(
          { year, ...content, ...(reason !== undefined ? { reason } : {}) },
          requestContext(request, clock),
        );
        const version = r.state.status === "published" ? r.state.version : 0;
        return reply.status(r.events.length > 0 ? 201 : 200).send({
          year,
          version,
          calendarVersion: label({ year, version }),
          events: r.events.map((e) => ({ type: e.type })),
          replayed: r.replayed,
        });
      },
    );
  };
}
