import { bool, defineOptions } from '../common/config/index.js'

/** Options of the DHCP agent notifier (server → agent casts). */
export const notifierOptions = defineOptions('DEFAULT', {
  dhcp_agent_notification: bool({
    default: true,
    help: 'Allow sending resource operation notification to DHCP agent.',
  }),
})
