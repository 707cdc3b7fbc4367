import js from '@eslint/js'
import tseslint from 'typescript-eslint'
import {importX} from 'eslint-plugin-import-x'
import {createTypeScriptImportResolver} from 'eslint-import-resolver-typescript'

/** The local cloud's services (src/lib/local/<service>/). */
const LOCAL_SERVICES = ['lambda', 'logs', 's3', 'iam', 'cloudwatch', 'sqs']
const NOT_THE_SERVER = {
  group: ['**/local/server.js', './server.js', '../server.js', '**/dispatch.js', '**/services.js'],
  message: 'Import contract.ts (request, context, router, hooks) instead: services never reach back into the server.',
}

export default tseslint.config(
  {ignores: ['dist/**', 'src/lib/config/compiled.generated.ts', 'templates/**', 'node_modules/**', '**/*.mjs', 'examples/**', 'test/fixtures/**', 'bench/fixtures/**', '.sling/**', 'coverage/**', '**/*.js', 'bench/**/*.mjs']},
  js.configs.recommended,
  ...tseslint.configs.recommendedTypeChecked,
  {
    languageOptions: {parserOptions: {project: './tsconfig.test.json', tsconfigRootDir: import.meta.dirname}},
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      '@typescript-eslint/no-misused-promises': 'error',
      '@typescript-eslint/switch-exhaustiveness-check': ['error', {considerDefaultExhaustiveForUnions: true}],
      '@typescript-eslint/only-throw-error': 'error',
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', {argsIgnorePattern: '^_', varsIgnorePattern: '^_'}],
      '@typescript-eslint/restrict-template-expressions': ['error', {allowNumber: true, allowBoolean: true}],
      'no-console': 'error',
      'no-restricted-properties': ['error', {object: 'process', property: 'exit', message: 'Throw a UserError; BaseCommand maps it to an exit code.'}],
    },
  },
  {
    // An import cycle is a design error here (a leaf contract module breaks it): fail the lint on any.
    // Type-only imports vanish at run time and are not counted.
    files: ['src/**/*.ts'],
    plugins: {'import-x': importX},
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver': undefined,
      'import-x/resolver-next': [createTypeScriptImportResolver({project: './tsconfig.json'})],
    },
    rules: {'import-x/no-cycle': ['error', {ignoreExternal: true}]},
  },
  {
    // The local cloud's services and codecs lean on the leaf contract.ts: only the composition root
    // (server.ts) and what starts it know the server, the HTTP side and the list of services.
    files: ['src/lib/local/**/*.ts'],
    ignores: ['src/lib/local/server.ts', 'src/lib/local/serve.ts', 'src/lib/local/connect.ts'],
    rules: {'no-restricted-imports': ['error', {patterns: [NOT_THE_SERVER]}]},
  },
  // Services meet through the hooks on the context, never by importing each other's modules.
  ...LOCAL_SERVICES.map((service) => ({
    files: [`src/lib/local/${service}/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', {patterns: [NOT_THE_SERVER, {group: LOCAL_SERVICES.filter((other) => other !== service).map((other) => `../${other}/*`), message: 'Reach another service through context.hooks (contract.ts), not its modules.'}]}],
    },
  })),
  {files: ['src/lib/output.ts', 'src/lib/local/runtime/**', 'test/**', 'bench/**'], rules: {'no-console': 'off'}},
  {files: ['test/**', 'bench/**'], rules: {'@typescript-eslint/no-unsafe-assignment': 'off', '@typescript-eslint/no-unsafe-member-access': 'off', '@typescript-eslint/no-unsafe-argument': 'off', '@typescript-eslint/no-non-null-assertion': 'off'}},
)
