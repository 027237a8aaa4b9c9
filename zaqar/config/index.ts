/**
 * zaqar/config — oslo.config-compatible configuration (zaqar/config/README.md).
 *
 *   loadConfig(argv, opts)   command line + files → OsloConfig (load.ts)
 *   OsloConfig               resolution, interpolation, validation (config.ts)
 *   CORE_OPTION_GROUPS       Zaqar's option groups and their interfaces (groups/)
 *   parseIni                 the INI dialect alone (ini.ts)
 */
export { formatHelp, parseCommandLine, type CommandLine, type ConfigSource } from './cli';
export { OsloConfig, type OptionValuesByGroup, type OsloConfigOptions } from './config';
export { configFilesToRead, defaultSearchDirs, listConfigDir, type SearchOptions } from './discovery';
export * from './groups';
export { parseIni, normalizeSectionName, type IniFile, type IniValue } from './ini';
export { loadConfig, type LoadConfigOptions, type LoadedConfig } from './load';
export * from './options';
