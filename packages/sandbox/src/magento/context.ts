import type { CallCounter } from '../util/calls';
import type { MagentoAuth } from './auth';
import type { MagentoStore } from './store';

export interface MagentoContext {
  store: MagentoStore;
  auth: MagentoAuth;
  calls: CallCounter;
  /** "currentPage past the end returns the last page again" (Magento ≤ 2.3, and 2.4 per Collection.php) */
  repeatLastPageQuirk: boolean;
  /** webapi/validation/maximum_page_size when input limiting is on; undefined = off (the default) */
  maxPageSize?: number;
  now: () => number;
}
