// The variables the distributed gateway (proxy-main.ts) reads besides the service kit's own. Packaging and the
// deployment manifests read this shape (@gov/deploy), so that every variable has a value wherever it ships.
import { z } from "zod";

export const environment = {
  /** `matters=http://127.0.0.1:8101,credit=http://127.0.0.1:8102,…` */
  UPSTREAMS: z.string().min(1),
};
