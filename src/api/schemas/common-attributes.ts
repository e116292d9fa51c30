import type { AttributeMap } from './attributes.js'
import { aList, aString } from './validators.js'

const readOnly = { allowPost: false, allowPut: false } as const

/** Attributes every network, subnet and port has. */
export const standardAttributes: AttributeMap = {
  id: readOnly,
  project_id: { allowPost: true, allowPut: false, check: aString(255) },
  tenant_id: { allowPost: true, allowPut: false, check: aString(255) },
  description: { allowPost: true, allowPut: true, check: aString(255), default: () => '' },
  tags: {
    allowPost: true,
    allowPut: false,
    check: aList(aString(255, { oneLine: true, nonEmpty: true })),
  },
  revision_number: readOnly,
  created_at: readOnly,
  updated_at: readOnly,
}

/** A read-only attribute. */
export const readOnlyAttribute = readOnly
