import { bool, defineOptions, str } from '../common/config/index.js'

/** Options every Leasehold process reads. */
export const commonOptions = defineOptions('DEFAULT', {
  state_path: str({
    default: '.leasehold',
    help: 'Where Leasehold keeps its state (the SQLite database of `leasehold up`, agent files). Relative paths are relative to the working directory.',
  }),
  host: str({
    default: '',
    help: 'The name of this host as agents report it; empty means the system host name.',
  }),
  debug: bool({ default: false, help: 'Log at debug level.' }),
})
