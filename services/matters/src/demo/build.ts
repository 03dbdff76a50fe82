import type { Material, MatterElements } from "@gov/contracts";
import type { DemoDepartment } from "./departments.ts";

export interface DemoMatter {
  /** Stable id, so that loading the demo twice finds what the first load created. */
  matterId: string;
  elements: MatterElements;
}

type MatterInput = Omit<
  MatterElements,
  | "implementationCode"
  | "implementingDepartment"
  | "region"
  | "exercisingLevel"
  | "supervisingDepartment"
  | "fees"
  | "intermediaryServices"
  | "specialProcedures"
  | "riskDomains"
  | "powerSource"
  | "allowsInformedCommitment"
  | "allowsDeferredMaterials"
  | "allowsAutoApproval"
> &
  Partial<
    Pick<
      MatterElements,
      | "supervisingDepartment"
      | "fees"
      | "intermediaryServices"
      | "specialProcedures"
      | "riskDomains"
      | "powerSource"
      | "allowsInformedCommitment"
      | "allowsDeferredMaterials"
      | "allowsAutoApproval"
    >
  >;

/**
 * A demo matter of `department`: region and 行使层级 from the department, 实施编码 = credit code + level +
 * 基本编码 (政务服务事项基本目录及实施清单 编码要求), the department supervising its own approvals unless said
 * otherwise (谁审批、谁监管: 乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(二)2).
 */
export function demoMatter(matterId: string, department: DemoDepartment, input: MatterInput): DemoMatter {
  const { region, level, ...implementingDepartment } = department;
  return {
    matterId,
    elements: {
      powerSource: "statutory",
      fees: [],
      intermediaryServices: [],
      specialProcedures: [],
      riskDomains: [],
      allowsInformedCommitment: false,
      allowsDeferredMaterials: false,
      allowsAutoApproval: false,
      supervisingDepartment: { creditCode: department.creditCode, name: department.name },
      ...input,
      implementationCode: `${department.creditCode}${level}${input.basicCode}`,
      implementingDepartment,
      region,
      exercisingLevel: level,
    },
  };
}

/** A material with the commonest shape: an original the applicant brings, paper or electronic, required, main. */
export function material(
  id: string,
  name: string,
  shape: Partial<Omit<Material, "id" | "name">> = {},
): Material {
  return {
    id,
    name,
    form: "original",
    medium: "paper-or-electronic",
    copies: 1,
    source: "applicant",
    necessity: "required",
    main: true,
    ...shape,
  };
}

/**
 * A material a government department issued, available as an electronic certificate (电子证照): never asked for
 * again (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)2), and asked once across a bundle through
 * its shared key.
 */
export function certificate(
  id: string,
  name: string,
  sharedKey: string,
  shape: Partial<Material> = {},
): Material {
  return material(id, name, {
    form: "copy",
    medium: "electronic",
    source: "government",
    replacedByCertificate: name,
    sharedKey,
    ...shape,
  });
}
