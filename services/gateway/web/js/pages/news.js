/* 新闻资讯: keyword search and pages. */
import { listPage } from './articles.js';

export default listPage('news', '/news');
