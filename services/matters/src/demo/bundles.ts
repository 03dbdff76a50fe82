import type { DepartmentRef } from "@gov/contracts";
import { type DemoDepartment, departments } from "./departments.ts";

export interface DemoBundle {
  bundleId: string;
  name: string;
  leadDepartment: DepartmentRef;
  matterIds: string[];
}

const ref = ({ creditCode, name }: DemoDepartment): DepartmentRef => ({ creditCode, name });

/** "一件事" bundles (乐山市加快推进政务服务标准化规范化便利化工作方案 (2022) 三(三)1): one form, one set of materials, one window. */
export const demoBundles: DemoBundle[] = [
  {
    bundleId: "enterprise-opening",
    name: "企业开办一件事",
    leadDepartment: ref(departments.market),
    matterIds: [
      "enterprise-establishment",
      "seal-engraving-filing",
      "invoice-issuance",
      "employer-social-insurance-registration",
      "housing-fund-employer-registration",
    ],
  },
  {
    bundleId: "newborn-birth",
    name: "新生儿出生一件事",
    leadDepartment: ref(departments.health),
    matterIds: [
      "birth-medical-certificate",
      "birth-household-registration",
      "newborn-medical-insurance",
      "social-security-card",
    ],
  },
];
