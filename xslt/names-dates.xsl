<?xml version="1.0" encoding="UTF-8"?>
<!--
  names-dates.xsl: names, referring strings and dates.

  Names need no template of their own: persName, placeName, orgName, name,
  rs, eventName, geogName... fall to the common rendering (te:inline in
  core.xsl), which makes them <a class="tei-persName" href="persons.html#id">
  when Python resolved their @ref (or @key) to a register entry, and
  <span class="tei-persName"> when it did not.  They are listed here so that
  a customisation knows where to override them.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  exclude-result-prefixes="tei te">

  <xsl:template match="tei:persName | tei:placeName | tei:orgName | tei:name | tei:rs
      | tei:eventName | tei:geogName | tei:objectName | tei:roleName | tei:addName
      | tei:forename | tei:surname | tei:genName | tei:nameLink | tei:term">
    <xsl:call-template name="te:inline"/>
  </xsl:template>

  <!-- Dates: <time datetime="..."> when Python found a W3C value that HTML
       accepts as well (@te:datetime, from @when, else the start of
       @from/@to or @notBefore/@notAfter); otherwise a span.  The content is
       the TEI's wording, unchanged. -->
  <xsl:template match="tei:date | tei:time | tei:origDate | tei:docDate">
    <xsl:call-template name="te:inline">
      <xsl:with-param name="element">
        <xsl:choose>
          <xsl:when test="@te:datetime">time</xsl:when>
          <xsl:otherwise>span</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
      <xsl:with-param name="datetime" select="@te:datetime"/>
      <xsl:with-param name="class">
        <xsl:if test="@te:date-range">te-date-range</xsl:if>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

</xsl:stylesheet>
