import { builder } from '../builder.js';
import './article.js';
import './event.js';
import './person.js';
import './statement.js';
import './quotation.js';
import './live.js';
import './ingest.js';
import './extract.js';
import './editor-token.js';

export const schema = builder.toSchema({ sortSchema: true });
