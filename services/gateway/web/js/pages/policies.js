/* 惠企政策: keyword, region (a policy for a parent region applies), expired ones on request. */
import { listPage } from './articles.js';

export default listPage('policy', '/policies');
