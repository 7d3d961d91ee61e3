document.getElementById('today').textContent=new Date().toLocaleDateString('zh-CN');
