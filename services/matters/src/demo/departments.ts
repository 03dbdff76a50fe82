import type { MatterElements } from "@gov/contracts";
import { creditCodeCheckCharacter } from "@gov/identifiers";

export type DemoDepartment = MatterElements["implementingDepartment"] & { region: string; level: 3 | 4 };

/**
 * GB 11714 organisation code (positions 9–17 of a 统一社会信用代码): 8 characters and a check character from the
 * weights 3 7 9 10 5 8 4 2, `11 − Σ mod 11` (10 → X, 11 → 0).
 */
export function organisationCode(first8: string): string {
  const weights = [3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...first8].reduce((s, ch, i) => s + Number.parseInt(ch, 36) * (weights[i] as number), 0);
  const c = 11 - (sum % 11);
  return `${first8}${c === 10 ? "X" : c === 11 ? "0" : String(c)}`;
}

/**
 * A demo department's 统一社会信用代码 (GB 32100-2015): registering authority 1 (机构编制), kind 1
 * (机关) or 2 (事业单位), the region, the organisation code and the check character.
 */
function department(
  name: string,
  kind: "1" | "2",
  region: string,
  org8: string,
  nature: DemoDepartment["nature"] = "statutory-organ",
): DemoDepartment {
  const first17 = `1${kind}${region}${organisationCode(org8)}`;
  return {
    creditCode: `${first17}${creditCodeCheckCharacter(first17)}`,
    name,
    nature,
    region,
    level: region.endsWith("00") ? 3 : 4,
  };
}

/** 杭州市 (330100) and its 西湖区 (330106): invented codes, real-looking departments. */
export const departments = {
  market: department("杭州市市场监督管理局", "1", "330100", "00248911"),
  police: department("杭州市公安局", "1", "330100", "00248807"),
  tax: department("国家税务总局杭州市税务局", "1", "330100", "MB1612A3"),
  hrss: department("杭州市人力资源和社会保障局", "1", "330100", "00248655"),
  health: department("杭州市卫生健康委员会", "1", "330100", "00249023"),
  medicalInsurance: department("杭州市医疗保障局", "1", "330100", "MB1C7390"),
  civilAffairs: department("杭州市民政局", "1", "330100", "00248786"),
  westLakeCivilAffairs: department("杭州市西湖区民政局", "1", "330106", "00250614"),
  housingFund: department("杭州住房公积金管理中心", "2", "330100", "47011602", "authorised-organisation"),
  urbanManagement: department("杭州市城市管理局", "1", "330100", "00248895"),
  housing: department("杭州市住房保障和房产管理局", "1", "330100", "00249175"),
} as const;
