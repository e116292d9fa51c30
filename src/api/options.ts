import { defineOptions, hostAddress, int, port, str } from '../common/config/index.js'

/** Options of the REST API server. */
export const apiOptions = defineOptions('DEFAULT', {
  bind_host: hostAddress({ default: '127.0.0.1', help: 'The host IP to bind the API server to.' }),
  bind_port: port({ default: 9696, help: 'The port to bind the API server to.' }),
  auth_strategy: str({
    default: 'noauth',
    choices: ['noauth'],
    help: 'The type of authentication to use. noauth takes the project and roles from the X-Project-Id and X-Roles headers.',
  }),
  max_request_body_size: int({
    default: 114688,
    min: 1024,
    help: 'The largest request body the API accepts, in bytes.',
  }),
})
