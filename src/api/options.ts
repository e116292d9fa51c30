import { bool, defineOptions, hostAddress, int, port, str } from '../common/config/index.js'

/** Options of the REST API server. */
export const apiOptions = defineOptions('DEFAULT', {
  bind_host: hostAddress({ default: '127.0.0.1', help: 'The host IP to bind the API server to.' }),
  bind_port: port({ default: 9696, help: 'The port to bind the API server to.' }),
  auth_strategy: str({
    default: 'noauth',
    choices: [
      [
        'noauth',
        'no authentication: the project and roles come from the X-Project-Id and X-Roles headers (development, loopback only)',
      ],
      [
        'keystone',
        'validate the X-Auth-Token of each request with Keystone ([keystone_authtoken])',
      ],
      [
        'http_basic',
        'HTTP basic authentication against http_basic_auth_user_file; every user is admin',
      ],
    ],
    help: 'The type of authentication to use.',
  }),
  http_basic_auth_user_file: str({
    default: '/etc/htpasswd',
    help: 'The Apache htpasswd file of auth_strategy = http_basic; bcrypt entries only (htpasswd -B).',
  }),
  allow_insecure_noauth: bool({
    default: false,
    help: 'Let auth_strategy = noauth listen on a bind_host that is not a loopback address (anyone who reaches the port can act as any project, or as admin). Same as --insecure-noauth.',
  }),
  max_request_body_size: int({
    default: 114688,
    min: 1024,
    help: 'The largest request body the API accepts, in bytes.',
  }),
})

/** keystonemiddleware's `[keystone_authtoken]` options that Leasehold uses, under their names. */
export const keystoneAuthtokenOptions = defineOptions('keystone_authtoken', {
  www_authenticate_uri: str({
    default: '',
    help: 'Complete "public" Identity API endpoint, told to clients that fail to authenticate (WWW-Authenticate: Keystone uri="..."); empty means auth_url.',
  }),
  auth_url: str({
    default: '',
    help: 'The Identity API endpoint the service authenticates against and validates tokens with, e.g. http://keystone:5000/v3 (without a version, /v3 is added).',
  }),
  auth_type: str({
    default: 'password',
    choices: [['password', 'username and password, scoped to project_name']],
    help: 'How the service authenticates itself to Keystone.',
  }),
  username: str({ default: '', help: "The service user's name." }),
  password: str({ default: '', secret: true, help: "The service user's password." }),
  project_name: str({ default: '', help: 'The project the service token is scoped to.' }),
  user_domain_name: str({ default: 'Default', help: "The service user's domain." }),
  project_domain_name: str({ default: 'Default', help: "The service project's domain." }),
  region_name: str({
    default: '',
    help: 'Accepted for compatibility; Leasehold talks to auth_url directly rather than looking the identity endpoint up in the catalog.',
  }),
  token_cache_time: int({
    default: 300,
    min: -1,
    help: "Most seconds Keystone's answer about a token is reused before asking again, never past the token's expiry; -1 disables the cache.",
  }),
  http_connect_timeout: int({
    default: 10,
    min: 1,
    help: 'Most seconds one request to Keystone may take.',
  }),
})
