import { describeBinding } from './helpers/describe-binding.js'
import { startNestApp } from './helpers/start-nest-app.js'

describeBinding('nestjs on platform-express', startNestApp('express'))
describeBinding('nestjs on platform-fastify', startNestApp('fastify'))
