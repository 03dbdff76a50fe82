import { creditCodeCheckCharacter, residentIdCheckCharacter } from "@gov/identifiers";
import { type Registration, type RegistrationDeps, registerSubject } from "../application/register.ts";
import type { MeasuresList } from "../domain/measures.ts";
import type { ListingInput } from "../domain/subject/commands.ts";

const withCheck = (first17: string, check: (s: string) => string) => `${first17}${check(first17)}`;
const org = (first17: string) => withCheck(first17, creditCodeCheckCharacter);
const person = (first17: string) => withCheck(first17, residentIdCheckCharacter);

const market = { creditCode: "11330100002489110X", name: "杭州市市场监督管理局" };
const tax = { creditCode: "11330100MB1612A374", name: "国家税务总局杭州市税务局" };
const hrss = { creditCode: "113301000024865503", name: "杭州市人力资源和社会保障局" };

interface DemoSubject {
  registration: Registration;
  listings: { input: Omit<ListingInput, "source">; daysAgo: number; effective: boolean }[];
}

/**
 * Invented subjects with entries on every list, for ./scripts/start: one in force on each list, one still in its
 * objection window. Identity numbers are made-up but check-valid; nobody real.
 */
export const demoSubjects: DemoSubject[] = [
  {
    registration: {
      kind: "organisation",
      creditCode: org("91330106MA2H3K7P1"),
      name: "杭州示例餐饮管理有限公司",
    },
    listings: [
      {
        input: {
          listingId: "demo-black-food",
          list: "black",
          severity: "serious",
          issuingDepartment: market,
          legalBasis: "《中华人民共和国食品安全法》第一百三十五条",
          reason: "被吊销食品经营许可证（杭市监罚〔2026〕101号）",
        },
        daysAgo: 60,
        effective: true,
      },
    ],
  },
  {
    registration: {
      kind: "organisation",
      creditCode: org("91330108MA2J8L2Q3"),
      name: "浙江示例建材有限公司",
    },
    listings: [
      {
        input: {
          listingId: "demo-abnormal-report",
          list: "abnormal-operation",
          ground: "annual-report-not-filed",
          issuingDepartment: market,
          legalBasis: "《企业信息公示暂行条例》第十七条",
          reason: "未按规定于6月30日前报送2025年度年度报告",
        },
        daysAgo: 45,
        effective: true,
      },
    ],
  },
  {
    registration: {
      kind: "organisation",
      creditCode: org("91330106MA2K5N9R4"),
      name: "杭州示例科技有限公司",
    },
    listings: [
      {
        input: {
          listingId: "demo-red-tax-a",
          list: "red",
          issuingDepartment: tax,
          legalBasis: "《纳税信用管理办法》第二十二条",
          reason: "2025年度纳税信用评价为A级",
        },
        daysAgo: 30,
        effective: true,
      },
    ],
  },
  {
    registration: {
      kind: "organisation",
      creditCode: org("91330105MA2L1P6T5"),
      name: "杭州示例物业服务有限公司",
    },
    listings: [
      {
        input: {
          listingId: "demo-black-wages",
          list: "black",
          severity: "general",
          issuingDepartment: hrss,
          legalBasis: "《保障农民工工资支付条例》第四十八条",
          reason: "拖欠农民工工资，经责令限期支付逾期未支付",
        },
        daysAgo: 3,
        effective: false,
      },
    ],
  },
  {
    registration: { kind: "person", idNumber: person("33010619850312004"), name: "示例甲" },
    listings: [
      {
        input: {
          listingId: "demo-black-false-promise",
          list: "black",
          severity: "general",
          issuingDepartment: hrss,
          legalBasis: "《国务院办公厅关于全面推行证明事项告知承诺制的指导意见》",
          reason: "以告知承诺方式申领失业保险金，核查发现承诺不实",
        },
        daysAgo: 40,
        effective: true,
      },
    ],
  },
  {
    registration: { kind: "person", idNumber: person("33010219920704002"), name: "示例乙" },
    listings: [
      {
        input: {
          listingId: "demo-red-volunteer",
          list: "red",
          issuingDepartment: { creditCode: "113301000024880707", name: "杭州市公安局" },
          legalBasis: "《浙江省见义勇为人员奖励和保障条例》第十条",
          reason: "被确认为见义勇为人员",
        },
        daysAgo: 20,
        effective: true,
      },
    ],
  },
];

const loader = { id: "demo-credit-loader", role: "credit-admin" } as const;

/**
 * Loads the demo subjects through the service's commands, as of a few days or weeks ago so that the entries
 * meant to be in force have passed their objection windows. Idempotent: a second load stores nothing.
 */
export async function seedDemoSubjects(
  deps: RegistrationDeps & { measures: MeasuresList },
  clock: () => string,
): Promise<void> {
  const { subjects, measures } = deps;
  const daysAgo = (n: number) => new Date(Date.parse(clock()) - n * 86_400_000).toISOString();
  for (const subject of demoSubjects) {
    const oldest = Math.max(...subject.listings.map((l) => l.daysAgo));
    const { subjectId } = await registerSubject(deps, subject.registration, {
      now: daysAgo(oldest),
      actor: loader,
      idempotencyKey: `demo-credit:register`,
    });
    for (const { input, daysAgo: age, effective } of subject.listings) {
      const state = await subjects.load(subjectId);
      if (state.status === "registered" && state.listings[input.listingId]) continue;
      await subjects.handle(
        subjectId,
        { type: "ProposeListing", data: { ...input, source: { kind: "manual" } } },
        { now: daysAgo(age), actor: loader, idempotencyKey: `demo-credit:${input.listingId}` },
      );
      if (effective) {
        await subjects.handle(
          subjectId,
          { type: "TakeEffect", data: { listingId: input.listingId } },
          { now: daysAgo(age - measures.objectionDays - 1), actor: loader },
        );
      }
    }
  }
}
