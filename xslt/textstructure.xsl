<?xml version="1.0" encoding="UTF-8"?>
<!--
  textstructure.xsl: the default text structure: text, front, body, back,
  group, the divisions and their headings, and the table of contents built
  from div/head.
-->
<xsl:stylesheet version="1.0"
  xmlns:xsl="http://www.w3.org/1999/XSL/Transform"
  xmlns:tei="http://www.tei-c.org/ns/1.0"
  xmlns:te="urn:tei-edition:render"
  exclude-result-prefixes="tei te">

  <!-- The page is one <article class="te-document"> (tei-html.xsl): front
       matter, contents, the text, the notes.  The text and its parts are
       divs. -->
  <xsl:template match="tei:text | tei:front | tei:body | tei:back | tei:group">
    <xsl:call-template name="te:block"/>
  </xsl:template>

  <!-- A division with a heading is a <section> (the table of contents links
       to its id); one without a heading is a plain <div>. -->
  <xsl:template match="tei:div | tei:div1 | tei:div2 | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7">
    <xsl:call-template name="te:block">
      <xsl:with-param name="element">
        <xsl:choose>
          <xsl:when test="tei:head">section</xsl:when>
          <xsl:otherwise>div</xsl:otherwise>
        </xsl:choose>
      </xsl:with-param>
    </xsl:call-template>
  </xsl:template>

  <!-- The heading level: the page title is h1, a division's head is one
       level below its division's depth (h2 for a top-level div), at most
       h6. -->
  <xsl:template name="te:heading-level">
    <xsl:variable name="depth" select="count(ancestor::*[self::tei:div or self::tei:div1 or self::tei:div2
        or self::tei:div3 or self::tei:div4 or self::tei:div5 or self::tei:div6 or self::tei:div7])"/>
    <xsl:choose>
      <xsl:when test="$depth + 1 &gt; 6">6</xsl:when>
      <xsl:when test="$depth &lt; 1">2</xsl:when>
      <xsl:otherwise><xsl:value-of select="$depth + 1"/></xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- head: a heading element in a division; elsewhere (a line group, a
       list, a bibliography...) a paragraph-like div.  A heading that holds
       blocks cannot be <hN>: it is a div with role="heading". -->
  <xsl:template match="tei:head">
    <xsl:variable name="blocks"><xsl:apply-templates select="*" mode="te:blocks"/></xsl:variable>
    <xsl:variable name="level"><xsl:call-template name="te:heading-level"/></xsl:variable>
    <xsl:variable name="in-division" select="parent::tei:div or parent::tei:div1 or parent::tei:div2 or parent::tei:div3
        or parent::tei:div4 or parent::tei:div5 or parent::tei:div6 or parent::tei:div7"/>
    <xsl:choose>
      <xsl:when test="$in-division and not(string($blocks))">
        <xsl:element name="h{$level}">
          <xsl:call-template name="te:attrs"/>
          <xsl:apply-templates/>
        </xsl:element>
      </xsl:when>
      <xsl:when test="$in-division">
        <div role="heading" aria-level="{$level}">
          <xsl:call-template name="te:attrs"/>
          <xsl:apply-templates/>
        </div>
      </xsl:when>
      <xsl:otherwise>
        <xsl:call-template name="te:block"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <!-- ================================================================
       Table of contents
       ================================================================ -->

  <xsl:variable name="te:toc-entries" select="//tei:text//*[self::tei:div or self::tei:div1 or self::tei:div2
      or self::tei:div3 or self::tei:div4 or self::tei:div5 or self::tei:div6 or self::tei:div7][tei:head][@te:id]"/>

  <xsl:template name="te:toc">
    <xsl:if test="$te:toc-entries and ($toc = 'yes' or ($toc = 'auto' and count($te:toc-entries) &gt;= number($toc-min-entries)))">
      <nav class="te-toc" aria-labelledby="te-toc-title">
        <xsl:if test="$pagefind = 'yes'">
          <xsl:attribute name="data-pagefind-ignore"/>
        </xsl:if>
        <h2 id="te-toc-title"><xsl:value-of select="$label-contents"/></h2>
        <ol>
          <xsl:apply-templates select="/*" mode="te:toc"/>
        </ol>
      </nav>
    </xsl:if>
  </xsl:template>

  <!-- Only the structure is walked: texts, their parts and divisions. -->
  <xsl:template match="*" mode="te:toc">
    <xsl:apply-templates mode="te:toc" select="*[self::tei:TEI or self::tei:teiCorpus or self::tei:text
        or self::tei:front or self::tei:body or self::tei:back or self::tei:group or self::tei:div
        or self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4 or self::tei:div5
        or self::tei:div6 or self::tei:div7]"/>
  </xsl:template>
  <xsl:template match="tei:teiHeader | te:*" mode="te:toc"/>

  <xsl:template mode="te:toc" match="tei:div | tei:div1 | tei:div2 | tei:div3 | tei:div4 | tei:div5 | tei:div6 | tei:div7">
    <xsl:choose>
      <xsl:when test="tei:head and @te:id">
        <li>
          <a href="#{@te:id}">
            <xsl:variable name="text"><xsl:apply-templates select="tei:head[1]" mode="te:plain"/></xsl:variable>
            <xsl:value-of select="normalize-space($text)"/>
          </a>
          <xsl:if test=".//*[self::tei:div or self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4
              or self::tei:div5 or self::tei:div6 or self::tei:div7][tei:head][@te:id]">
            <ol><xsl:apply-templates select="." mode="te:toc-children"/></ol>
          </xsl:if>
        </li>
      </xsl:when>
      <xsl:otherwise>
        <xsl:apply-templates select="." mode="te:toc-children"/>
      </xsl:otherwise>
    </xsl:choose>
  </xsl:template>

  <xsl:template match="*" mode="te:toc-children">
    <xsl:apply-templates mode="te:toc" select="*[self::tei:text or self::tei:group or self::tei:div
        or self::tei:div1 or self::tei:div2 or self::tei:div3 or self::tei:div4 or self::tei:div5
        or self::tei:div6 or self::tei:div7 or self::tei:floatingText or self::tei:body or self::tei:front
        or self::tei:back]"/>
  </xsl:template>

</xsl:stylesheet>
