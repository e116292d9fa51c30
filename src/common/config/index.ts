/** oslo.config-style configuration: option declarations, INI files, loading and sample files. */
export {
  bool,
  defineOptions,
  float,
  hostAddress,
  int,
  list,
  port,
  str,
  type Choice,
  type OptionGroup,
  type OptionSpec,
  type OptionSpecs,
  type OptionType,
  type OptionValues,
} from './options.js'
export { parseIni, type IniSections } from './ini.js'
export { loadConfig, type Config, type LoadConfigOptions } from './load.js'
export { renderSample, type SampleEntry } from './sample.js'
