import { h } from '../ui.js';
import { demandList } from './me-demands.js';

export default {
  title: '融资需求',
  menu: 'inst',
  auth: true,
  async render({ query, go }) {
    return [h('h1', {}, '融资需求'),
      await demandList({ base: '/api/v1/institution/financing-demands', link: d => '/inst/demands/' + encodeURIComponent(d.id), query, go, path: '/inst/demands',
        extraCols: [{ title: '申请企业', cell: d => d.enterprise_name }] })];
  },
};
