// Map scripts of the pages, served as files (a Content-Security-Policy without 'unsafe-inline'
// allows them): each reads its data from a JSON block the page template wrote beside the map.

/**
 * /assets/web/leaflet-map.js: a Leaflet map of GeoJSON features, with no base layer (the server
 * works offline). The map is focusable and pans with the arrow keys. Sets `window.__leafletMap`
 * and `window.__featuresDrawn` (features plus rectangles drawn), read by the page script and tests.
 */
export const LEAFLET_MAP_JS = `(function(){var script=document.currentScript,id=script.getAttribute('data-map');
var data=JSON.parse(document.getElementById(id+'-data').textContent);
var map=L.map(id,{attributionControl:false,keyboard:true});L.control.scale({imperial:false}).addTo(map);
var layer=L.geoJSON(data.geojson,{pointToLayer:function(f,ll){return L.circleMarker(ll,{radius:5,color:'#000091',weight:1,fillOpacity:.7});},
style:function(){return {color:'#000091',weight:2,fillOpacity:.25};},
onEachFeature:function(f,l){if(f.id!==undefined)l.bindTooltip(String(f.id));}});
var extent=data.extent,bbox=data.bbox,drawn=layer.getLayers().length;
// The view first: Leaflet cannot place vector layers on a map without one.
if(drawn){map.fitBounds(layer.getBounds(),{maxZoom:12,padding:[20,20]});}
else if(bbox){map.fitBounds(bbox);}else if(extent){map.fitBounds(extent,{padding:[20,20]});}else{map.setView([46.5,2.5],5);}
layer.addTo(map);
if(extent){L.rectangle(extent,{color:'#000091',weight:2,fillOpacity:.08}).addTo(map);drawn++;}
if(bbox){window.__bboxLayer=L.rectangle(bbox,{color:'#e1000f',weight:2,dashArray:'6 4',fill:false}).addTo(map);drawn++;}
window.__leafletMap=map;window.__featuresDrawn=drawn;})();
`;

